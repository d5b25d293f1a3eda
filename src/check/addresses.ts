/**
 * Addresses: every address is a valid IPv4 or IPv6 address or CIDR block with no host bits set.
 *
 *     addresses lan = 10.0.0.5/8      # FW301: did you mean 10.0.0.0/8 or 10.0.0.5?
 */
import { parseAddress, type Cidr } from '../model/index.js';
import type { AddressLit } from '../syntax/index.js';
import type { CheckContext } from './context.js';

/** Parses one address literal, reporting what is wrong with it; null when it is not usable. */
export function checkAddress(ctx: CheckContext, lit: AddressLit): Cidr | null {
  const parsed = parseAddress(lit.text);
  if (parsed.ok) {
    ctx.namedAddresses.push(parsed.cidr);
    return parsed.cidr;
  }
  if (parsed.reason === 'host-bits') {
    const host = lit.text.slice(0, lit.text.indexOf('/'));
    ctx.report('hostBits', {
      message: parsed.message,
      span: lit.span,
      label: 'host bits set',
      help: [`write the network \`${parsed.masked}\`, or the single address \`${host}\``],
    });
  } else {
    ctx.report('invalidAddress', { message: parsed.message, span: lit.span, label: 'not a valid address' });
  }
  return null;
}

export function checkAddressSets(ctx: CheckContext): void {
  for (const decl of ctx.declarations.values()) {
    if (decl.kind !== 'addresses') continue;
    const cidrs: Cidr[] = [];
    for (const lit of decl.decl.addresses) {
      const cidr = checkAddress(ctx, lit);
      if (cidr) cidrs.push(cidr);
    }
    ctx.addressSets.set(decl.name.text, cidrs);
  }
}

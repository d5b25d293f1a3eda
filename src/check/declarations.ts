/**
 * Declarations: every name is valid, not a bare keyword, declared once; services do not reuse built-in
 * names; `policy` comes first, once. Collects the declarations the other rules resolve against.
 *
 *     tags web, on        # FW101: `on` is a keyword
 *     group web = api     # FW202: `web` is already a tag
 */
import type { Name, Statement } from '../syntax/index.js';
import { BUILTIN_SERVICES, MAX_NAME_LENGTH, NAME_PATTERN, isReserved } from './builtins.js';
import { KIND_WORDS, type CheckContext, type Declaration } from './context.js';

/** Reports a name that is a bare keyword or holds characters a tag cannot; true when the name is usable. */
export function checkNameSyntax(ctx: CheckContext, name: Name, position: 'name' | 'service' = 'name'): boolean {
  if (!name.quoted && isReserved(name.text, position)) {
    ctx.report('keywordAsName', {
      message: `\`${name.text}\` is a reserved keyword${position === 'service' ? ' here' : ''}, so it cannot be a bare ${position === 'service' ? 'service name' : 'name'}`,
      span: name.span,
      label: 'keyword',
      help: [`write it in double quotes: \`"${name.text}"\``],
    });
    return false;
  }
  if (name.text.length > MAX_NAME_LENGTH) {
    ctx.report('invalidName', {
      message: `the name is ${name.text.length} characters long; at most ${MAX_NAME_LENGTH} are allowed`,
      span: name.span,
      label: 'too long',
    });
    return false;
  }
  if (!NAME_PATTERN.test(name.text)) {
    const bad = [...name.text].find((c) => !/[A-Za-z0-9_:-]/.test(c));
    ctx.report('invalidName', {
      message:
        name.text.length === 0
          ? 'a name cannot be empty'
          : bad
            ? `\`${name.text}\` holds ${bad === ' ' ? 'a space' : `\`${bad}\``}, which a DigitalOcean tag cannot`
            : `\`${name.text}\` must start with a letter or digit`,
      span: name.span,
      label: 'not a valid name',
      help: ['a name is letters, digits, `-`, `_` and `:`, starting with a letter or digit'],
    });
    return false;
  }
  return true;
}

/**
 * Reports a bare keyword where a name is referred to (`web may reach on on http`); the grammar reads it
 * as a name so that this message, and not a syntax error, says what to do. True when the name is usable.
 */
export function checkReference(ctx: CheckContext, name: Name, position: 'name' | 'service' = 'name'): boolean {
  if (name.quoted || !isReserved(name.text, position)) return true;
  ctx.report('keywordAsName', {
    message: `\`${name.text}\` is a reserved keyword, so it cannot be a bare name`,
    span: name.span,
    label: 'keyword',
    help: [`if it is a name, write it in double quotes: \`"${name.text}"\``],
  });
  return false;
}

function declare(ctx: CheckContext, declaration: Declaration): void {
  const { name } = declaration;
  if (!checkNameSyntax(ctx, name, declaration.kind === 'service' ? 'service' : 'name')) return;
  const previous = ctx.declarations.get(name.text);
  if (previous) {
    ctx.report('duplicateName', {
      message: `\`${name.text}\` is declared twice`,
      span: name.span,
      label: `declared again here as ${KIND_WORDS[declaration.kind]}`,
      secondary: [{ file: ctx.file, span: previous.name.span, message: `first declared here as ${KIND_WORDS[previous.kind]}` }],
      help: ['rename one of them'],
    });
    return;
  }
  if (declaration.kind === 'service' && BUILTIN_SERVICES.has(name.text)) {
    ctx.report('builtinService', {
      message: `\`${name.text}\` is a built-in service and cannot be redeclared`,
      span: name.span,
      label: 'built in',
      help: [`use the built-in \`${name.text}\`, or give this service another name`],
    });
    return;
  }
  ctx.declarations.set(name.text, declaration);
}

/** Collects declarations and checks policy placement; returns the policy name (or null if unnamed). */
export function collectDeclarations(ctx: CheckContext, statements: readonly Statement[]): Name | null {
  let policyName: Name | null = null;
  statements.forEach((stmt, i) => {
    switch (stmt.kind) {
      case 'PolicyDecl':
        if (policyName) {
          ctx.report('policyPlacement', {
            message: 'the policy is named twice',
            span: stmt.span,
            label: 'second `policy`',
            secondary: [{ file: ctx.file, span: policyName.span, message: 'first named here' }],
            help: ['keep one `policy NAME` statement, at the top of the file'],
          });
        } else if (i > 0) {
          ctx.report('policyPlacement', {
            message: '`policy` must be the first statement of the file',
            span: stmt.span,
            label: 'not first',
            help: ['move this line to the top of the file'],
          });
          if (checkNameSyntax(ctx, stmt.name)) policyName = stmt.name;
        } else if (checkNameSyntax(ctx, stmt.name)) {
          policyName = stmt.name;
        }
        break;
      case 'TagsDecl':
        for (const name of stmt.names) declare(ctx, { kind: 'tag', name });
        break;
      case 'DropletsDecl':
        declare(ctx, { kind: 'droplets', name: stmt.name, decl: stmt });
        break;
      case 'GroupDecl':
        declare(ctx, { kind: 'group', name: stmt.name, decl: stmt });
        break;
      case 'AddressesDecl':
        declare(ctx, { kind: 'addresses', name: stmt.name, decl: stmt });
        break;
      case 'ServiceDecl':
        declare(ctx, { kind: 'service', name: stmt.name, decl: stmt });
        break;
      case 'Egress':
      case 'Expect':
      case 'Rule':
        break;
    }
  });
  return policyName;
}

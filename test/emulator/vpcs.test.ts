// The emulator's VPCs, as the OpenAPI description has them: a paginated list, one by id, droplets that
// carry vpc_uuid (their region's default VPC unless the seed names one), and seed errors that say where.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applySeed } from '../../src/emulator/seed.js';
import { assertNoContractViolations, call, startTestEmulator } from '../helpers/emulator.js';

const Vpcs = suite('emulator VPCs');
const SEED = {
  vpcs: [
    { id: '5a4981aa-9653-4bd1-bef5-d6bff52042e4', name: 'prod', ip_range: '10.10.0.0/16', default: true },
    { id: 'e0fe0f4d-596a-465e-a902-571ce57b79fa', name: 'staging', ip_range: '10.20.0.0/20' },
    { id: 'd455e75d-4858-4eec-8c95-da2f0a5f93a7', name: 'ams', ip_range: '10.30.0.0/24', region: 'ams3', default: true },
  ],
  droplets: [
    { id: 1, name: 'a', private_ipv4: '10.10.0.2' },
    { id: 2, name: 'b', private_ipv4: '10.20.0.2', vpc_uuid: 'staging' },
  ],
};

Vpcs('list with pagination, get by id, 404 for an unknown id; droplets carry vpc_uuid', async () => {
  const em = await startTestEmulator({ seed: SEED as never });
  try {
    const page1 = await call(em, 'GET', '/v2/vpcs?per_page=2');
    assert.is(page1.status, 200);
    assert.is(page1.body.vpcs.length, 2);
    assert.is(page1.body.meta.total, 3);
    assert.ok(page1.body.links.pages.next, 'a next page link');
    const page2 = await call(em, 'GET', '/v2/vpcs?per_page=2&page=2');
    assert.is(page2.body.vpcs.length, 1);
    const all = [...page1.body.vpcs, ...page2.body.vpcs].map((v: { name: string; ip_range: string }) => `${v.name} ${v.ip_range}`).sort();
    assert.equal(all, ['ams 10.30.0.0/24', 'prod 10.10.0.0/16', 'staging 10.20.0.0/20']);
    const one = await call(em, 'GET', '/v2/vpcs/e0fe0f4d-596a-465e-a902-571ce57b79fa');
    assert.is(one.status, 200);
    assert.is(one.body.vpc.name, 'staging');
    assert.is(one.body.vpc.urn, 'do:vpc:e0fe0f4d-596a-465e-a902-571ce57b79fa');
    assert.is((await call(em, 'GET', '/v2/vpcs/00000000-0000-4000-8000-000000000000')).status, 404);
    const droplets = (await call(em, 'GET', '/v2/droplets')).body.droplets as { id: number; vpc_uuid?: string }[];
    assert.equal(droplets.map((d) => [d.id, d.vpc_uuid]), [
      [1, '5a4981aa-9653-4bd1-bef5-d6bff52042e4'],
      [2, 'e0fe0f4d-596a-465e-a902-571ce57b79fa'],
    ]);
    assertNoContractViolations(em);
  } finally {
    await em.stop();
  }
});

Vpcs('seed mistakes name the entry', () => {
  const seed = (data: unknown) => () => applySeed(data as never, () => 'x');
  assert.throws(seed({ vpcs: [{ name: 'a', ip_range: '10.0.0.0/8' }] }), /vpcs\[0\]\.ip_range: must be an IPv4 CIDR block from \/16 to \/24/);
  assert.throws(seed({ vpcs: [{ name: 'a b', ip_range: '10.0.0.0/16' }] }), /vpcs\[0\]\.name/);
  assert.throws(seed({ droplets: [{ name: 'd', vpc_uuid: 'nope' }] }), /droplets\[0\]\.vpc_uuid: VPC nope is not in vpcs/);
});

Vpcs.run();

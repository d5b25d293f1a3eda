/**
 * The catalogue of every diagnostic fwc reports: code, name, severity and the text of `fwc explain`.
 * Call sites refer to entries by name (`CODES.unknownName`), never to a literal code or title, so codes
 * are stable, unique and documented in one place (after TypeScript's diagnosticMessages.json).
 *
 * Numbering: FW1xx syntax, FW2xx names and declarations, FW3xx values and placement, FW4xx warnings
 * about likely mistakes, FW5xx expectations, FW6xx files and outputs, FW7xx the account. FW8xx are the
 * rules of `fwc audit`, kept with the audit in src/audit/rules.ts (`fwc explain` knows both).
 */

export type Severity = 'error' | 'warning';

export interface CodeInfo {
  readonly code: string;
  /** Kebab-case name, shown in JSON output and accepted by `fwc explain`. */
  readonly name: string;
  readonly severity: Severity;
  readonly title: string;
  /** What the rule is and why it exists, with a failing example and the fix. */
  readonly explanation: string;
}

function entry(code: string, name: string, severity: Severity, title: string, explanation: string): CodeInfo {
  return { code, name, severity, title, explanation: explanation.trim() };
}

export const CODES = {
  syntaxError: entry('FW100', 'syntax-error', 'error', 'the statement does not follow the grammar', `
Every line of a .fw file is one statement (a line that ends with a comma continues on the next one).
fwc reads each statement on its own and reports every statement it cannot read, with what it expected.

    web may reach db on        # error: expected a port, a protocol or a service after \`on\`

Fix the statement; the README's language section has every form.`),

  keywordAsName: entry('FW101', 'keyword-as-name', 'error', 'a reserved keyword is used as a name', `
Keywords are contextual: \`cluster\`, \`database\`, \`tag\`, \`all\`, \`open\`, \`policy\`, \`group\`, … are valid bare
names wherever the statement still reads one way. A few words stay reserved, because a statement with
them as names would read two ways, or a statement missing a part would read as another one: \`anyone\`,
\`may\`, \`must\`, \`not\`, \`reach\`, \`on\`, \`until\`, \`can\`, \`cannot\`, \`from\`, \`is\` everywhere, and
\`tcp\`, \`udp\`, \`icmp\`, \`all\` as service names. Write such a name in double quotes.

    tags web, on               # error
    tags web, "on"             # fine
    tags cluster, database     # fine: contextual keywords
`),

  invalidName: entry('FW102', 'invalid-name', 'error', 'a name holds characters a DigitalOcean tag cannot', `
A name is letters, digits, \`-\`, \`_\` and \`:\` (what a DigitalOcean tag may hold), starting with a letter
or digit, at most 255 characters. Quoting a name does not widen what it may hold.

    tags "web server"          # error: a space
    tags web-server            # fine`),

  policyPlacement: entry('FW103', 'policy-placement', 'error', '`policy` must be the first statement, once', `
\`policy NAME\` names the policy and with it every firewall fwc manages for it (\`fwc-NAME-…\`). It may
appear once, as the first statement. Without it, the policy is named after the file.`),

  ignoreComment: entry('FW104', 'ignore-comment', 'error', 'an `fwc-ignore` comment is not well formed', `
A trailing \`# fwc-ignore CODE: REASON\` acknowledges one warning on one statement. It must name a warning
code (errors cannot be ignored), give a reason after a colon, and end the line of the statement.

    anyone may reach bastion on ssh  # fwc-ignore FW407                 # error: no reason
    anyone may reach bastion on ssh  # fwc-ignore FW407: keys only, the way in`),

  unknownName: entry('FW201', 'unknown-name', 'error', 'a name is not declared', `
Every tag, droplet set, group, address set and service a statement uses must be declared in the same
file (or be built in: the services ssh, http, https, dns, ntp, smtp, rdp, mysql, postgres, redis,
mongodb and kubernetes-api).

    tags web
    web may reach dbb on postgres   # error: \`dbb\` is not declared; did you mean \`db\`?

An undeclared name may be a DigitalOcean tag. Declaring it (\`tags app-server\`) governs it: it gets its own
firewall, and its droplets are closed to everything the policy does not grant. To refer to it without
governing it — its droplets keep the firewalls they have — write \`tag "app-server"\`.`),

  duplicateName: entry('FW202', 'duplicate-name', 'error', 'a name is declared twice', `
A name may be declared once, whatever its kind (tag, droplet set, group, address set, service), and a
droplet set names each droplet once.

    tags web
    group web = api           # error: \`web\` is already a tag`),

  groupCycle: entry('FW203', 'group-cycle', 'error', 'groups contain each other', `
A group expands to the tags it contains; a group that contains itself, directly or through other groups,
has no expansion.

    group a = b
    group b = a                # error`),

  wrongKind: entry('FW204', 'wrong-kind', 'error', 'a name of the wrong kind', `
Tags and groups stand for droplets, address sets for addresses, services for protocols and ports. A name
must be used where its kind makes sense: a service cannot be an endpoint, an address set cannot be a
group member, \`egress from\` takes tags and groups.

    service metrics = tcp 9100
    metrics may reach web on http   # error: \`metrics\` is a service`),

  builtinService: entry('FW205', 'builtin-service', 'error', 'a declared service reuses a built-in name', `
The built-in services (ssh, http, https, dns, ntp, smtp, rdp, mysql, postgres, redis, mongodb,
kubernetes-api) cannot be redeclared: every reader of a policy should know what \`ssh\` means.`),

  tagCaseCollision: entry('FW206', 'tag-case-collision', 'error', 'two tags differ only in case', `
Names in fwc are case-sensitive, but DigitalOcean tags are not: \`Web\` and \`web\` are the same tag there,
spelled the way it was first created. Two declared tags that differ only in case would be one tag with
two firewalls.

    tags web, Web              # error`),

  firewallNameCollision: entry('FW207', 'firewall-name-collision', 'error', 'two firewalls would get the same name', `
Each tag's firewall is named \`fwc-<policy>-<tag>\`, with every character a firewall name cannot hold
(\`_\`, \`:\`) written as \`-\`, and extra shards named \`-2\`, \`-3\`…. Two tags that map to the same name
(\`db_1\` and \`db-1\`, or \`web\` sharded into \`web-2\` beside a tag \`web-2\`) cannot both have a firewall.
Rename one of the tags.`),

  egressTwice: entry('FW208', 'egress-twice', 'error', 'egress is set twice for a tag', `
\`egress from T is …\` may be said once per tag; two statements would leave the reader to guess which
one holds.`),

  duplicatePolicy: entry('FW209', 'duplicate-policy', 'error', 'two files have the same policy name', `
A policy's name owns the firewalls named \`fwc-<policy>-…\`; two files with the same policy name would
fight over them. Give each file its own \`policy NAME\`.`),

  replacesKubernetesFirewall: entry('FW210', 'replaces-kubernetes-firewall', 'error', 'a Kubernetes firewall cannot be replaced', `
\`replaces firewall "NAME"\` hands an existing firewall over to the policy: \`fwc apply\` deletes it once the
policy's own firewalls stand. The firewalls named \`k8s-…\` belong to DigitalOcean Kubernetes: the cluster
makes them for its worker nodes, rewrites them whenever node pools or services change, and makes them again
if they are deleted. A policy cannot take them over; refer to the cluster instead.

    replaces firewall "k8s-3f2a…-worker"     # error
    cluster "prod" may reach db on postgres  # fine: the nodes as an endpoint`),

  hostBits: entry('FW301', 'cidr-host-bits', 'error', 'a CIDR block has host bits set', `
\`10.0.0.5/8\` is not a network: the bits below the prefix must be zero. fwc does not mask it silently,
because the author may have meant \`10.0.0.5\` (one host) or \`10.0.0.0/8\` (the network).`),

  invalidAddress: entry('FW302', 'invalid-address', 'error', 'an address is not a valid IP address or CIDR block', `
Addresses are IPv4 (\`10.0.0.5\`, \`10.0.0.0/8\`, four decimal octets without leading zeros) or IPv6
(\`2001:db8::1\`, \`2001:db8::/32\`).`),

  invalidPort: entry('FW303', 'invalid-port', 'error', 'a port or range is out of bounds', `
Ports are 1 to 65535; a range is \`low-high\` with low ≤ high.

    web may reach db on 0          # error
    web may reach db on 9000-8000  # error: write 8000-9000`),

  invalidDate: entry('FW304', 'invalid-date', 'error', 'an `until` date does not exist', `
\`until\` takes a calendar date YYYY-MM-DD (UTC), such as 2026-12-31.`),

  noTagSide: entry('FW311', 'no-tag-side', 'error', 'neither side of a source–destination pair is governed', `
Only the firewalls of this policy can hold its rules, and it has one for each tag and droplet set it
declares. A pair with neither on either side — an address reaching an address, \`tag "x"\` reaching a
load balancer — has no firewall that could hold it. (A \`database\` destination is the exception: its
trusted sources hold the pair.)

    office may reach vpn on ssh          # error: both are address sets
    tag "app" may reach vpc "prod" on ssh  # error: neither is governed here`),

  misplacedEndpoint: entry('FW312', 'misplaced-endpoint', 'error', 'an endpoint stands where it cannot', `
Every endpoint kind may stand on either side, but a managed database can only be a destination: it has
no \`on\` clause (its trusted sources admit every port it serves) and cannot be the target of
\`must not\` (trusted sources have no deny).

    database "main" may reach web on http   # error: a database does not reach`),

  missingOn: entry('FW313', 'missing-on', 'error', 'a rule has no `on` clause', `
A rule says which services it is about: \`web may reach db on postgres\`. Only \`database "NAME"\`
destinations take no \`on\` clause.`),

  databaseSource: entry('FW314', 'database-source', 'error', 'a source a database cannot trust', `
Managed database trusted sources hold tags, droplets, Kubernetes clusters and IPv4 addresses — no load
balancers and no IPv6 (DigitalOcean's limits), and at most 100 entries.`),

  noEffect: entry('FW401', 'no-effect', 'warning', 'a grant has no effect', `
A grant whose destination is not a tag (an address, \`anyone\`) only opens egress, and only matters when
the source's egress is restricted. With open egress (the default), the source may already send anything.

    web may reach anyone on https          # warning: egress from web is open
    egress from web is restricted          # makes the grant meaningful`),

  overridden: entry('FW402', 'overridden-by-guardrail', 'warning', 'a guardrail overrides a grant', `
A \`must not\` statement compiles to DigitalOcean deny rules, which win over every allow. A grant that
asks for traffic a guardrail denies has no effect for that traffic.

    app may reach mail on smtp
    app must not reach anyone on smtp      # the grant above is overridden`),

  expired: entry('FW403', 'expired', 'warning', 'a grant has expired', `
A grant with \`until DATE\` holds through that date (UTC). From the next day it is left out of the
compiled firewalls. Remove the statement, or extend the date if the access is still needed.`),

  expiresSoon: entry('FW404', 'expires-soon', 'warning', 'a grant expires within 14 days', `
A grant with \`until DATE\` will be left out of the compiled firewalls after that date. This is a
reminder two weeks ahead, so that access nobody meant to end does not end by surprise.`),

  shadowed: entry('FW405', 'shadowed-grant', 'warning', 'a grant is a duplicate or fully covered by others', `
Every rule this grant produces is already produced by other grants (the same statement twice, or a
group and one of its tags, or an address inside a wider one). Remove it, or keep it on purpose if it
documents intent.`),

  dnsBlocked: entry('FW406', 'dns-blocked', 'warning', 'restricted egress blocks DNS', `
With \`egress from T is restricted\`, droplets tagged T may send only what the policy grants them. If
nothing grants udp 53, they cannot resolve names (nor install packages, nor report metrics).

    egress from db is restricted
    db may reach anyone on dns             # allows name resolution`),

  exposedAdminPort: entry('FW407', 'exposed-admin-port', 'warning', 'an admin or data port is open to every address', `
Admin and data ports opened to \`anyone\` (or \`0.0.0.0/0\`, "every IPv4 address") are what attackers scan
first. fwc judges ports, not service names, against a list: ssh 22, telnet 23, smb 445, mssql 1433,
docker 2375-2376, etcd 2379-2380, mysql 3306, rdp 3389, postgres 5432, vnc 5900, redis 6379,
kubernetes-api 6443, elasticsearch 9200/9300, kubelet 10250/10255, memcached 11211 (tcp and udp),
mongodb 27017. Prefer an address set (an office, a VPN) or a bastion tag; if the exposure is deliberate,
acknowledge it on the statement: \`# fwc-ignore FW407: REASON\`.

    anyone may reach nodes on tcp 2379-2380, 10250   # warning: etcd, kubelet`),

  sharedTag: entry('FW408', 'shared-tag', 'warning', 'two policies govern the same tag', `
DigitalOcean adds the allow rules of every firewall on a droplet. When two policies declare the same tag,
each one's droplets get what either policy allows.`),

  databaseEgress: entry('FW409', 'database-egress', 'warning', 'a database grant from a source with restricted egress', `
A database's trusted sources admit the source, but a source whose egress is restricted also needs an
outbound grant to the database's address and port (DigitalOcean firewalls cannot name a database).`),

  unusedIgnore: entry('FW410', 'unused-ignore', 'warning', 'an `fwc-ignore` comment silences nothing', `
An acknowledgement that no longer matches a warning of its statement (the statement changed, or the
warning went) is reported, so that stale ones do not hide the next real warning.

    web may reach db on postgres  # fwc-ignore FW407: … # warning: nothing here is FW407`),

  expectationFailed: entry('FW501', 'expectation-failed', 'error', 'an expectation does not hold', `
\`expect\` statements are checked against the compiled firewalls under DigitalOcean's rules (the union of
allows of every firewall on a droplet, deny beats allow, a droplet with no firewall is open, no outbound
rules means no egress). The error names a flow that breaks the expectation.`),

  replacedFirewallMissing: entry('FW705', 'replaced-firewall-missing', 'warning', 'a replaced firewall does not exist', `
\`replaces firewall "NAME"\` names a firewall the policy takes over. When the account has no firewall by
that name (it was deleted already, by a previous \`fwc apply\` or by hand), there is nothing to replace:
\`fwc plan\` says so at plan time. Remove the line.

    replaces firewall "web-fw"   # warning when the account has no firewall named web-fw`),

  unresolvedResource: entry('FW701', 'unresolved-resource', 'error', 'a resource named in the policy is not in the account', `
Load balancers, clusters, droplets and databases named in quotes are looked up by name when fwc reads
the account (\`fwc plan\`, \`fwc apply\`). A name that matches nothing cannot be turned into an id.

    load-balancer "shop-lbb" may reach web on 8080   # error: no load balancer named \`shop-lbb\``),

  ambiguousResource: entry('FW702', 'ambiguous-resource', 'error', 'a resource name matches several resources', `
Droplet names need not be unique in DigitalOcean. When a name matches several droplets, fwc cannot know
which one is meant: name it by id (\`droplet 12345\`), or better, tag the droplets and use the tag.`),

  replacedFirewallAmbiguous: entry('FW704', 'replaced-firewall-ambiguous', 'error', 'several firewalls have the replaced name', `
\`replaces firewall "NAME"\` must name exactly one firewall, since fwc will delete it. DigitalOcean refuses a
second firewall of the same name, but fwc reads the name without regard to case, as it reads tags, so
\`web-fw\` and \`Web-FW\` both answer to it. When several firewalls have the name, fwc cannot tell which
one the policy takes over, and deletes none. Rename all but one in DigitalOcean (the plan lists their ids), then plan again.`),

  firewallNameTaken: entry('FW703', 'firewall-name-taken', 'error', 'a firewall fwc would create exists and is not fwc\'s', `
Firewall names are unique in an account. A firewall with the name fwc would give a tag's firewall exists,
but it does not apply to that tag alone, so fwc does not own it and will not change it. Rename or delete
that firewall, or rename the tag.`),

  noFirewallLeft: entry('FW711', 'no-firewall', 'warning', 'droplets would be left with no firewall at all', `
A droplet with no firewall is open: every port, from every address. \`fwc plan\` warns when applying would
take the last firewall off droplets that have one today (a tag removed from the policy, a droplet set
that loses a member), and \`fwc apply\` refuses unless it is run with \`--allow-lockout\`. Keep the tag in
the policy, or give the droplets another firewall first. (\`fwc audit\`'s FW801 reports droplets that have
no firewall now.)`),

  sshLockout: entry('FW712', 'ssh-lockout', 'warning', 'droplets would lose every SSH allow', `
After applying, nothing may reach these droplets on tcp 22 any more, and the Droplet Console, which
connects over SSH, stops working too (the Recovery Console still does). \`fwc apply\` refuses unless it
is run with \`--allow-lockout\`.

    bastion may reach web on ssh     # removing this line: warning for droplets tagged web`),

  unusedTag: entry('FW713', 'unused-tag', 'warning', 'no droplet carries a tag the policy governs', `
The policy declares a tag that no droplet in the account carries: its firewall applies to nothing yet.
A typo, a tag not yet given to the droplets, or a tag that is no longer used.`),

  orphanSetFirewall: entry('FW714', 'orphan-set-firewall', 'warning', 'a tag-less firewall is named like a droplet set the policy does not declare', `
A droplet set's firewall applies to droplets by id and carries no tag; fwc knows its own by name. A
tag-less firewall named like one of this policy's droplet sets, for a set the policy no longer declares
(removed or renamed), cannot be told from another policy's, so fwc leaves it alone. Delete it in
DigitalOcean if it was a set you removed.`),

  newlyClosed: entry('FW715', 'newly-closed', 'warning', 'droplets with no firewall go from fully open to closed', `
Droplets that have no firewall today are open to everything. When the policy starts to govern them (they
carry a declared tag, or are members of a droplet set), they become closed to all the policy does not
grant. That is usually the point, but read the plan's reachability section first. To name a tag in rules
without governing it, write \`tag "NAME"\` instead of declaring it in \`tags\`.`),

  unmanagedAllows: entry('FW716', 'unmanaged-allows', 'warning', 'a firewall fwc does not manage allows more than the policy', `
DigitalOcean adds up the allow rules of every firewall on a droplet. A firewall fwc does not manage on the
policy's droplets lets traffic through that the policy does not grant: the policy says less than what
really flows. Remove the rule from that firewall, or grant the traffic in the policy (or \`fwc import\` it).`),

  unmanagedDenies: entry('FW717', 'unmanaged-denies', 'warning', 'a firewall fwc does not manage denies what the policy grants', `
A deny rule anywhere on a droplet wins over every allow. A firewall fwc does not manage denies traffic the
policy grants, so the grant has no effect there.`),

  unmanagedMore: entry('FW718', 'unmanaged-more', 'warning', 'more unmanaged-firewall findings than a plan lists', `
A plan lists the first 40 destinations where firewalls fwc does not manage allow or deny beyond the
policy (FW716, FW717), and counts the rest in one line, naming some of the firewalls concerned: a sign
that the policy and the firewalls beside it say very different things.`),

  expectationUnmanaged: entry('FW719', 'expectation-unmanaged', 'warning', 'an expectation holds only because of a firewall fwc does not manage', `
At plan time, \`expect\` statements are judged twice: on every firewall the droplets will have, and on the
policy's firewalls alone. When an expectation holds only with a firewall fwc does not manage (another
team's, a DOKS cluster's, one made by hand), it breaks the day that firewall changes. Say it in the
policy, or make the expectation about what the policy itself ensures.

    expect anyone cannot reach db on postgres   # holds only because firewall "legacy-deny" denies it`),

  unreadableFile: entry('FW601', 'unreadable-file', 'error', 'a file or folder cannot be read', `
The path does not exist, is not readable, or is a folder with no .fw files.`),

  staleOutput: entry('FW602', 'stale-output', 'error', 'the committed compiled output is not up to date', `
\`fwc compile --check --out DIR\` compares what the policies compile to with the files in DIR. Run the
same command without --check to update them, and commit the result.`),
} as const satisfies Record<string, CodeInfo>;

export type CodeName = keyof typeof CODES;

/** Finds an entry by code (`FW201`, case-insensitive, `201` also works) or by name (`unknown-name`). */
export function lookupCode(query: string): CodeInfo | undefined {
  const q = query.trim().toLowerCase();
  return Object.values(CODES).find(
    (c) => c.code.toLowerCase() === q || c.name === q || c.code.slice(2) === q || `fw${q}` === c.code.toLowerCase(),
  );
}

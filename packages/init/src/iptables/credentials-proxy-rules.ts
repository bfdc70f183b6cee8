import { ipv6Mirror, type NetfilterRule } from './netfilter-rule';

// Upstream constants (exec/iptables): the task credentials endpoint 169.254.170.2:80 is served by
// the agent's credentials proxy on 127.0.0.1:51679; the introspection API listens on 51678.
const CREDENTIALS_PROXY_IP = '169.254.170.2';
const CREDENTIALS_PROXY_PORT = '80';
const AGENT_CREDENTIALS_PORT = '51679';
const AGENT_INTROSPECTION_PORT = '51678';
const LOCALHOST_NETWORK = '127.0.0.0/8';

/** Settings that decide which rules pre-start adds. */
export interface NetfilterSettings {
  skipLocalhostTrafficFilter: boolean;
  allowOffhostIntrospectionAccess: boolean;
  /** Already validated by config; undefined blocks every non-loopback interface. */
  offhostIntrospectionInterface: string | undefined;
  /** Docker's default bridge (docker0); undefined when Docker has none or it is unknown. */
  bridgeName: string | undefined;
}

/** Host facts the rules depend on, looked up once per pre-start/post-stop. */
export interface HostNetworkFacts {
  loopbackName: string;
  /** Whether ip6tables can be used (IPv6 enabled and ip6tables on PATH). */
  ipv6: boolean;
}

/** R1: traffic from containers to 169.254.170.2:80 goes to the agent's credentials proxy. */
export const prerouteToCredentialsProxy: NetfilterRule = {
  command: 'iptables',
  table: 'nat',
  chain: 'PREROUTING',
  placement: 'append',
  spec: ['-p', 'tcp', '-d', CREDENTIALS_PROXY_IP, '--dport', CREDENTIALS_PROXY_PORT,
    '-j', 'DNAT', '--to-destination', `127.0.0.1:${AGENT_CREDENTIALS_PORT}`],
  purpose: 'prerouting chain entry',
};

/**
 * R2: route_localnet=1 would let off-host packets reach 127.0.0.0/8 services; drop them unless they
 * belong to a forwarded connection or the DNAT above (upstream PR #334).
 */
export const localhostTrafficFilter: NetfilterRule = {
  command: 'iptables',
  table: 'filter',
  chain: 'INPUT',
  placement: 'insert',
  spec: ['--dst', LOCALHOST_NETWORK, '!', '--src', LOCALHOST_NETWORK,
    '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP'],
  purpose: 'input chain entry',
};

/** R5: the host's own processes reaching 169.254.170.2:80 are redirected to the proxy. */
export const outputToCredentialsProxy: NetfilterRule = {
  command: 'iptables',
  table: 'nat',
  chain: 'OUTPUT',
  placement: 'append',
  spec: ['-p', 'tcp', '-d', CREDENTIALS_PROXY_IP, '--dport', CREDENTIALS_PROXY_PORT,
    '-j', 'REDIRECT', '--to-ports', AGENT_CREDENTIALS_PORT],
  purpose: 'output chain entry',
};

/** R3 (current upstream): introspection is reachable only over loopback. */
export function blockNonLoopbackIntrospection(loopbackName: string): NetfilterRule {
  return {
    command: 'iptables',
    table: 'filter',
    chain: 'INPUT',
    placement: 'insert',
    spec: ['-p', 'tcp', '--dport', AGENT_INTROSPECTION_PORT, '!', '-i', loopbackName, '-j', 'DROP'],
    purpose: 'input chain entry to block offhost introspection access',
  };
}

/** R4 (current upstream): bridge-mode tasks may still reach introspection; sits above R3. */
export function allowBridgeIntrospection(bridgeName: string): NetfilterRule {
  return {
    command: 'iptables',
    table: 'filter',
    chain: 'INPUT',
    placement: 'insert',
    spec: ['-p', 'tcp', '--dport', AGENT_INTROSPECTION_PORT, '-i', bridgeName, '-j', 'ACCEPT'],
    purpose: 'input chain entry to allow docker bridge introspection access',
  };
}

/** 1.55.4–1.96 variant kept by this fork: block introspection on one named interface. */
export function blockInterfaceIntrospection(interfaceName: string): NetfilterRule {
  return {
    command: 'iptables',
    table: 'filter',
    chain: 'INPUT',
    placement: 'insert',
    spec: ['-p', 'tcp', '-i', interfaceName, '--dport', AGENT_INTROSPECTION_PORT, '-j', 'DROP'],
    purpose: 'input chain entry to block offhost introspection access',
  };
}

/** A rule to add, and the rule it must end up above when both are inserted at the top. */
export interface PlannedRule {
  rule: NetfilterRule;
  staysAbove?: NetfilterRule;
}

/** Rules pre-start adds, in upstream order (R1, R2, introspection block, R5). */
export function rulesToCreate(settings: NetfilterSettings, facts: HostNetworkFacts): PlannedRule[] {
  const planned: PlannedRule[] = [{ rule: prerouteToCredentialsProxy }];
  if (!settings.skipLocalhostTrafficFilter) planned.push({ rule: localhostTrafficFilter });
  if (!settings.allowOffhostIntrospectionAccess) {
    const withMirror = (rule: NetfilterRule, staysAbove?: NetfilterRule): PlannedRule[] => {
      const pair: PlannedRule[] = [{ rule, staysAbove }];
      if (facts.ipv6) pair.push({ rule: ipv6Mirror(rule), staysAbove: staysAbove && ipv6Mirror(staysAbove) });
      return pair;
    };
    if (settings.offhostIntrospectionInterface !== undefined) {
      planned.push(...withMirror(blockInterfaceIntrospection(settings.offhostIntrospectionInterface)));
    } else {
      const block = blockNonLoopbackIntrospection(facts.loopbackName);
      planned.push(...withMirror(block));
      if (settings.bridgeName !== undefined) planned.push(...withMirror(allowBridgeIntrospection(settings.bridgeName), block));
    }
  }
  planned.push({ rule: outputToCredentialsProxy });
  return planned;
}

/**
 * Every rule pre-start could have added under any setting for these facts, so post-stop cleans up
 * even after a toggle changed in between (upstream strands R2 when ECS_SKIP_LOCALHOST_TRAFFIC_FILTER
 * flips to true, aws/amazon-ecs-init#360 was the same bug for the introspection rule). Rules for an
 * interface name no longer configured come from the state file.
 */
export function rulesToRemove(settings: NetfilterSettings, facts: HostNetworkFacts): NetfilterRule[] {
  const introspection: NetfilterRule[] = [];
  if (settings.bridgeName !== undefined) introspection.push(allowBridgeIntrospection(settings.bridgeName));
  introspection.push(blockNonLoopbackIntrospection(facts.loopbackName));
  if (settings.offhostIntrospectionInterface !== undefined) {
    introspection.push(blockInterfaceIntrospection(settings.offhostIntrospectionInterface));
  }
  return [
    prerouteToCredentialsProxy,
    localhostTrafficFilter,
    ...introspection.flatMap((rule) => (facts.ipv6 ? [rule, ipv6Mirror(rule)] : [rule])),
    outputToCredentialsProxy,
  ];
}

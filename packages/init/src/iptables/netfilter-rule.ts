/** One netfilter rule, kept as the exact argv pieces upstream ecs-init passes to iptables/ip6tables. */
export interface NetfilterRule {
  command: 'iptables' | 'ip6tables';
  table: 'nat' | 'filter';
  chain: string;
  /** append (-A, end of chain) or insert (-I, top of chain). Only matters when adding. */
  placement: 'append' | 'insert';
  /** Matches and target after the chain name, e.g. ['-p', 'tcp', '--dport', '51678', '-j', 'DROP']. */
  spec: readonly string[];
  /** What the rule is for, in upstream's words: "prerouting chain entry". */
  purpose: string;
}

export type RuleAction = 'check' | 'add' | 'delete';

const ACTION_FLAG: Record<Exclude<RuleAction, 'add'>, string> = { check: '-C', delete: '-D' };

/** argv (without the command) for acting on a rule: `-t <table> <-A|-I|-C|-D> <chain> <spec...>`. */
export function ruleArgs(rule: NetfilterRule, action: RuleAction): string[] {
  const flag = action === 'add' ? (rule.placement === 'append' ? '-A' : '-I') : ACTION_FLAG[action];
  return ['-t', rule.table, flag, rule.chain, ...rule.spec];
}

/** Identity of a rule for de-duplication: two rules with the same key are the same kernel rule. */
export function ruleKey(rule: Pick<NetfilterRule, 'command' | 'table' | 'chain' | 'spec'>): string {
  return JSON.stringify([rule.command, rule.table, rule.chain, rule.spec]);
}

/** The same rule for ip6tables (upstream mirrors only the introspection rules). */
export function ipv6Mirror(rule: NetfilterRule): NetfilterRule {
  return { ...rule, command: 'ip6tables' };
}

/** Human-readable command line for logs and errors. */
export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args].join(' ');
}

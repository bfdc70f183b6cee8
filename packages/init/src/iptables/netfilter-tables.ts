import type { CommandResult, CommandRunner, Logger } from '@fractal-ecs/common';
import { formatCommand, ruleArgs, type NetfilterRule, type RuleAction } from './netfilter-rule';

// iptables -C exits 1 when the rule is absent ("Bad rule (does a matching rule exist in that
// chain?)"); any other non-zero status is a real failure (2 bad arguments, 4 lock/permission...).
const EXIT_RULE_ABSENT = 1;
// One post-stop deletes every copy; duplicates come from upstream ecs-init running pre-start
// twice. A bound keeps a misbehaving iptables (-D "succeeds" but -C still matches) from looping.
const MAX_COPIES = 100;

/** Check, add and delete single rules with iptables/ip6tables, one command per call. */
export class NetfilterTables {
  constructor(
    private readonly runner: CommandRunner,
    private readonly log: Logger,
  ) {}

  async isPresent(rule: NetfilterRule): Promise<boolean> {
    const result = await this.exec(rule, 'check');
    if (result.exitCode === 0) return true;
    if (result.exitCode === EXIT_RULE_ABSENT) return false;
    throw this.failure(`could not check ${rule.purpose}`, rule, 'check', result);
  }

  async add(rule: NetfilterRule): Promise<void> {
    const result = await this.exec(rule, 'add');
    if (result.exitCode !== 0) throw this.failure(`could not add ${rule.purpose}`, rule, 'add', result);
    this.log.info({ command: formatCommand(rule.command, ruleArgs(rule, 'add')) }, `Added ${rule.command} ${rule.purpose}`);
  }

  /**
   * Adds the rule only if an identical one is not there yet, so pre-start run twice (a restart
   * without post-stop) does not stack copies. Upstream ecs-init adds blindly. Returns whether it
   * added the rule.
   */
  async ensure(rule: NetfilterRule): Promise<boolean> {
    if (await this.isPresent(rule)) {
      this.log.debug({ command: formatCommand(rule.command, ruleArgs(rule, 'check')) }, `${rule.command} ${rule.purpose} already present`);
      return false;
    }
    await this.add(rule);
    return true;
  }

  /** Deletes every copy of the rule; an absent rule is not an error. Returns how many were deleted. */
  async deleteAll(rule: NetfilterRule): Promise<number> {
    let deleted = 0;
    while (await this.isPresent(rule)) {
      if (deleted === MAX_COPIES) {
        throw new Error(`error removing ${rule.purpose}: ${formatCommand(rule.command, ruleArgs(rule, 'check'))} still matches after ${MAX_COPIES} deletions`);
      }
      const result = await this.exec(rule, 'delete');
      if (result.exitCode !== 0) throw this.failure(`error removing ${rule.purpose}`, rule, 'delete', result);
      deleted++;
    }
    if (deleted > 0) {
      this.log.info({ command: formatCommand(rule.command, ruleArgs(rule, 'delete')), copies: deleted }, `Removed ${rule.command} ${rule.purpose}`);
    }
    return deleted;
  }

  private exec(rule: NetfilterRule, action: RuleAction): Promise<CommandResult> {
    return this.runner.run(rule.command, ruleArgs(rule, action));
  }

  private failure(context: string, rule: NetfilterRule, action: RuleAction, result: CommandResult): Error {
    const args = ruleArgs(rule, action);
    const output = result.all.trim();
    this.log.error(
      { command: rule.command, argv: args, exitCode: result.exitCode, output },
      `Error performing action '${actionName(rule, action)}' for ${rule.command} route: exit status ${result.exitCode}; raw output: ${output}`,
    );
    return new Error(`${context}: ${formatCommand(rule.command, args)}: exit status ${result.exitCode}: ${output}`);
  }
}

function actionName(rule: NetfilterRule, action: RuleAction): string {
  if (action === 'add') return rule.placement === 'append' ? 'append' : 'insert';
  return action;
}

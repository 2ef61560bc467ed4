/**
 * Time budgets for the baselines. A CPU baseline can need hours for a workload the GPU does in a
 * minute, so each trains for at most `budgetSeconds` (checked at record steps) and its throughput
 * is extrapolated from the network-steps it did. Whatever part it trained, its losses are compared
 * with the GPU's recorded losses of the same networks at the same step.
 */

export interface Plan {
  steps: number;
  /** record.every: baselines stop only at steps the GPU recorded. */
  every: number;
  budgetSeconds: number;
}

export interface Measured {
  /** Networks trained (the first ones of the batch). */
  networks: number;
  /** Steps every one of them trained. */
  steps: number;
  /** Time spent in steps, excluding setup and loss evaluation. */
  seconds: number;
  /** Loss of each trained network after `steps` steps. */
  losses: number[];
}

export interface Trainer {
  step(): void;
  loss(): number;
}

/**
 * Trains networks one after another. The first sets the step count: all steps, or the record steps
 * it reached within the budget; later networks train that many steps while budget remains.
 */
export async function runSequential(count: number, plan: Plan, make: (b: number) => Trainer): Promise<Measured> {
  let seconds = 0;
  let steps = plan.steps;
  const losses: number[] = [];
  for (let b = 0; b < count && (b === 0 || seconds < plan.budgetSeconds); b++) {
    const trainer = make(b);
    const started = performance.now();
    for (let t = 0; t < steps; t++) {
      trainer.step();
      if (b === 0 && (t + 1) % plan.every === 0 && performance.now() - started > plan.budgetSeconds * 1000) {
        steps = t + 1;
        break;
      }
    }
    seconds += (performance.now() - started) / 1000;
    losses.push(trainer.loss());
    // Between networks, outside the timing: lets a browser page repaint its progress.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return { networks: losses.length, steps, seconds, losses };
}

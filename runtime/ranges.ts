// The ranges of the train settings that a .dlm file and a trainer's command line both set
// (`batch 32` and `--batch 32`): the compiler's table of train settings
// (compiler/lang/builtins.ts) and the command-line parser (main.ts) read them from here,
// so the two cannot disagree. No imports: the runtime ships without the compiler.

export interface IntRange {
  readonly min: number;
  /** Absent: no bound of its own (a command line still stops at 2^53 − 1, the largest exact integer). */
  readonly max?: number;
}

export const trainSettingRanges = {
  batch: { min: 1, max: 65536 },
  epochs: { min: 1, max: 100000 },
  // Any safe integer seeds the Rng; a .dlm literal is further limited to 32 bits.
  seed: { min: 0 },
} as const satisfies Record<string, IntRange>;

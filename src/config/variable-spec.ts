// How one environment variable is declared: its parser and its documentation. Core variables
// are declared in config/variables.ts; each tracker declares its own in its folder.
import { z } from "zod";

export interface VariableSpec {
  /** Parses the raw value; undefined when the variable is unset or empty. */
  readonly schema: z.ZodType;
  /** Completes the sentence "<NAME> must be …" in a start-up error. */
  readonly expected: string;
  readonly meaning: string;
  readonly defaultText: string;
  /** Never logged, never echoed in an error message. */
  readonly secret?: boolean;
}

export type VariableSpecs = Readonly<Record<string, VariableSpec>>;

/** The parsed values of a set of variables, by name (undefined: unset). */
export type VariableValues<V extends VariableSpecs> = { readonly [K in keyof V]: z.output<V[K]["schema"]> };

export const httpUrl = z.url({ protocol: /^https?$/ });
export const postgresUrl = z.url({ protocol: /^postgres(ql)?$/ });
export const text = z.string().trim().min(1);

export function integer(min: number, max: number, fallback: number) {
  return z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);
}

/** "true" or "false" (any case); unset: `fallback`. */
export function flag(fallback: boolean) {
  return z
    .string()
    .toLowerCase()
    .pipe(z.enum(["true", "false"]))
    .transform((value) => value === "true")
    .default(fallback);
}

// A bad or missing setting, and the rules that tie settings together. Every message is one line
// that names the variable to fix.

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(message);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

type Values = Readonly<Record<string, unknown>>;

/** Settings that make sense only together (a site, its account, its token): all or none. True when all are set. */
export function requireTogether<V extends Values>(values: V, names: readonly (keyof V & string)[], what: string): boolean {
  const set = names.filter((name) => values[name] !== undefined);
  if (set.length === 0) return false;
  const missing = names.find((name) => values[name] === undefined);
  if (missing) {
    throw new ConfigError(missing, `${missing} must be set too: ${what} needs ${names.join(", ")} (${set.join(", ")} set)`);
  }
  return true;
}

/** A setting that only means something with another one. */
export function requireWith<V extends Values>(values: V, dependent: keyof V & string, needs: keyof V & string): void {
  if (values[dependent] !== undefined && values[needs] === undefined) {
    throw new ConfigError(needs, `${needs} must be set when ${dependent} is set`);
  }
}

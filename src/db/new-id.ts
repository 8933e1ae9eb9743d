import { randomBytes } from "node:crypto";

let counter = randomBytes(2).readUInt16BE(0);

/**
 * An id in the shape of Prisma's cuid() default (`c` + 24 lowercase base-36 characters:
 * time, a counter, randomness), for rows inserted with plain SQL on hot paths, so they look
 * and sort like the rows Prisma creates.
 */
export function newId(): string {
  counter = (counter + 1) % 1_679_616;
  const time = Date.now().toString(36).padStart(9, "0").slice(-9);
  const count = counter.toString(36).padStart(4, "0");
  const random = BigInt(`0x${randomBytes(8).toString("hex")}`).toString(36).padStart(11, "0").slice(-11);
  return `c${time}${count}${random}`;
}

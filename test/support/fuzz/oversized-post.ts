// Posts an oversized body over a bare socket and prints {status, bytesSent} as JSON: the
// headers, then up to `upTo` bytes of body, stopping as soon as an answer arrives. Announced
// with a Content-Length, or chunked when `announced` is "chunked". Run as its own process:
// inside a test, nock holds every client request until it ends, so an answer that comes before
// the end could never be seen there.
// Usage: node oversized-post.ts <url> <announced bytes | chunked> <upTo bytes>
import { connect } from "node:net";

const [url, announcedArg, upToArg] = process.argv.slice(2) as [string, string, string];
const { hostname, port, pathname } = new URL(url);
const chunked = announcedArg === "chunked";
const upTo = Number(upToArg);
const socket = connect(Number(port), hostname);
let bytesSent = 0;
let answer = "";
let answered = false;

socket.on("data", (data) => {
  answer += data.toString("latin1");
  const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  if (status && !answered) {
    answered = true;
    process.stdout.write(JSON.stringify({ status: Number(status[1]), bytesSent }));
    socket.destroy();
  }
});
socket.on("error", (error) => {
  if (!answered) process.stdout.write(JSON.stringify({ status: 0, bytesSent, error: error.message }));
  answered = true;
});
socket.on("close", () => {
  if (!answered) process.stdout.write(JSON.stringify({ status: 0, bytesSent, error: "closed without an answer" }));
});

const length = chunked ? "transfer-encoding: chunked" : `content-length: ${announcedArg}`;
socket.write(`POST ${pathname} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\n${length}\r\n\r\n`);
const chunk = Buffer.alloc(64 * 1024, 0x61);
const framed = chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]) : chunk;
const pump = () => {
  while (!answered && bytesSent < upTo) {
    bytesSent += chunk.length;
    if (!socket.write(framed)) return void socket.once("drain", pump);
  }
};
pump();

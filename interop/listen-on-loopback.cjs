// Preloaded with `node --require` by the interop tests. The reference server listens on PORT on every interface
// and has no setting for the host; this makes a listen() given only a port bind 127.0.0.1, so the test server is
// never reachable from outside this machine.
"use strict";
const net = require("node:net");

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const portOnly = (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0])))
    && typeof args[1] !== "string";
  if (portOnly) {
    args.splice(1, 0, "127.0.0.1");
  }
  return listen.apply(this, args);
};

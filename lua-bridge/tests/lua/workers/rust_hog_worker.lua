-- Keeps Rust-side memory of the kind named by its argument, 1 MB at a time, up to
-- 40 MB (past the 16 MiB limit its callers run it under; bounded, so that without the
-- charge it ends normally rather than grows the node): a channel's buffered values,
-- wrapped errors, errors, loggers, payloads, listen topics, registered names, received
-- messages (sent to itself, each a table around the 1 MB string); with "register_same",
-- one 1 MB name registered again and again, which holds it once. Returns
-- "done" if nothing stopped it.
local logger = require("logger")

local function main(kind)
  local MB = 1024 * 1024
  if kind == "channel" then
    local ch = channel.new(1e18)
    for i = 1, 2000000 do ch:send(i) end
    return "done"
  end
  local big = string.rep("x", MB)
  local base = errors.new("base")
  local keep = {}
  for i = 1, 40 do
    if kind == "wrap" then keep[i] = errors.wrap(base, big)
    elseif kind == "errors" then keep[i] = errors.new(big)
    elseif kind == "logger" then keep[i] = logger:with({ f = big })
    elseif kind == "payload" then keep[i] = payload.new(big)
    elseif kind == "listen" then keep[i] = process.listen(big .. i)
    elseif kind == "register" then assert(process.registry.register(big .. i))
    elseif kind == "register_same" then assert(process.registry.register(big))
    elseif kind == "received" then
      process.send(process.pid(), "big", { big })
      keep[i] = process.inbox():receive()
    else error("unknown kind " .. tostring(kind))
    end
  end
  return "done"
end

return { main = main }

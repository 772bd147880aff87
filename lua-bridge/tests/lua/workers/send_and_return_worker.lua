-- Sends `topic` (default "result") with `value` to `parent` at once, then returns.
local function main(parent, value, topic)
  process.send(parent, topic or "result", value)
  return true
end

return { main = main }

-- process.listen matches topics exactly, with no globs (reference §1.2 listen: "Exact
-- topic match, no globs"): listen("orders.*") and listen("orders") do not get
-- "orders.new", which falls to the inbox; listen("orders.*") gets the literal topic.
local receive = require("wait").receive

local function main()
  local glob = process.listen("orders.*")
  local prefix = process.listen("orders")
  local inbox = process.inbox()
  process.send(process.pid(), "orders.new", "n1")
  process.send(process.pid(), "orders.*", "literal")
  local msg = receive(inbox)
  if msg:topic() ~= "orders.new" then
    return false, "inbox got " .. msg:topic()
  end
  local r = channel.select { glob:case_receive(), prefix:case_receive(), default = true }
  if r.channel ~= glob or r.value ~= "literal" then
    return false, "the literal topic did not reach listen(\"orders.*\")"
  end
  r = channel.select { glob:case_receive(), prefix:case_receive(), default = true }
  if not r.default then
    return false, "an extra delivery: " .. tostring(r.value)
  end
  return true
end

return { main = main }

-- ctx.get takes a number key as its text, as the original's CheckString: a context value
-- under "5" is found by ctx.get(5), and a missing one is nil, NOT_FOUND "key not found: 7";
-- a key of another type raises.
local wait = require("wait")

local function main()
  local inbox = process.inbox()
  process.with_context({ ["5"] = "five" }):spawn("test:context_reporter_worker", "test:processes", process.pid(), 5)
  local report = wait.receive(inbox):payload():data()
  assert(report.probe == "five", "ctx.get(5): " .. tostring(report.probe))
  local ctx = require("ctx")
  local v, err = ctx.get(7)
  assert(v == nil and err and err:kind() == errors.NOT_FOUND, tostring(err))
  assert(tostring(err) == "key not found: 7", tostring(err))
  assert(not pcall(ctx.get, {}), "a table key raises")
  return true
end

return { main = main }

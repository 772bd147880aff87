-- `string` behaves as a plain table of the library's functions, whatever a process
-- does with it first: next, rawget, rawset, pairs, getmetatable, setmetatable,
-- assignments and method calls on strings (the runtime hands it out as a view of the
-- VM's library and copies it in on such a first use). Each case runs as the first use in
-- a worker of its own; two cases use it again after the worker first waited. Before each
-- case a worker only calls `string.upper` and `("b"):upper()`: what a case leaves in a
-- reused VM must not show in that worker, nor what it leaves in the case.
local wait = require("wait")

local CASES = {
  "next", "rawget", "getmetatable", "pairs", "assign_nil", "rawset_nil", "setmetatable",
  "add_method", "method_then_next", "strings_index", "change_strings_index", "table_insert", "view_then_wait",
  "wait_then_strings_index",
}

local function main()
  local events = process.events()
  for _, case in ipairs(CASES) do
    for _, run in ipairs({ "plain_use", case }) do
      process.spawn_monitored("test:string_case_worker", "test:processes", run)
      local exit = wait.receive(events)
      if exit.result.error then
        return false, run .. ": worker failed: " .. tostring(exit.result.error)
      end
      if exit.result.value ~= true then
        return false, tostring(exit.result.value)
      end
    end
  end
  return true
end

return { main = main }

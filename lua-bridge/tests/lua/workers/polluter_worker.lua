-- Reports to `parent` (topic "pristine") whatever a previous process could have left
-- behind in this VM, plus its first random number; then leaves as much behind as a
-- script can: globals, library fields, the globals' and the strings' metatables, the
-- require cache, replaced library functions, the tables under `process`.
local json = require("json")

local function violations()
  local found = {}
  local function check(ok, what)
    if not ok then found[#found + 1] = what end
  end
  check(leaked_global == nil, "global variable")
  check(undefined_name == nil, "globals metatable")
  check(getmetatable(_G) == nil or getmetatable(_G).leaked == nil, "globals metatable field")
  check(getmetatable(_G) == nil or getmetatable(getmetatable(_G)) == nil, "globals metatable's metatable")
  check(rawget(_G, 1) == nil and rawget(_G, true) == nil, "non-string global key")
  fresh_global = 1
  check(rawget(_G, "fresh_global") == 1, "globals __newindex")
  check(string.leaked == nil, "string field")
  check(string.upper("a") == "A", "string.upper replaced")
  check(("x"):upper() == "X", "strings' metatable")
  check(("x").leaked == nil, "strings' __index")
  check("1" + "1" == 2 and -"2" == -2, "strings' arithmetic")
  check(table.leaked == nil and math.leaked == nil and os.leaked == nil, "library field")
  check(coroutine.leaked == nil, "coroutine field")
  check(json.leaked == nil, "require cache")
  check(process.leaked == nil and channel.leaked == nil, "wippy global field")
  check(rawget(process, "leaked") == nil and process.send ~= tostring, "process table entry")
  check(type(process.send) == "function" and type(process.pid) == "function", "process function")
  check(string.upper("b") == "B" and ("b"):rep(2) == "bb", "string view")
  check(process.event.EXIT == "pid.exit" and process.event.leaked == nil, "process.event")
  check(type(process.registry.lookup) == "function" and process.registry.leaked == nil, "process.registry")
  check(type(print) == "function" and print ~= tostring, "print replaced")
  return found
end

-- Rounds that leave `process` and `string` as handed out, so that the VM keeps them for
-- the next worker (`setup::reset`), or change them in ways that must stop that: a field
-- written into `process` (plainly or raw), a method replaced through it, and the
-- strings' metatable replaced while the `string` view itself stays untouched.
local function touch_only_process_and_strings(round)
  local kind = round % 8
  if kind == 1 then
    process.leaked = 1
  elseif kind == 3 then
    rawset(process, "send", tostring)
  elseif kind == 5 then
    getmetatable("").__index = function() return "old" end
    getmetatable("").__add = function() return "old" end
  end
  -- kind 7 leaves both as they were handed out.
  return true
end

-- `round` picks how the globals' metatable is left: changed in place (round % 3 == 1),
-- given a metatable of its own (2), or changed and then replaced (0). Odd rounds only
-- touch `process` and the strings (above).
local function main(parent, round)
  -- Reads only: `string` stays as handed out until the pollution below.
  process.send(parent, "pristine", { violations = violations(), random = math.random(1, 1 << 40) })
  if (round or 0) % 2 == 1 then
    return touch_only_process_and_strings(round)
  end
  -- Before anything else touches `string`: reach for what stands behind it.
  local string_meta = getmetatable(string)
  if type(string_meta) == "table" and type(string_meta.__index) == "table" then
    string_meta.__index.upper = function() return "old" end
    string_meta.__index.leaked = "old"
  end
  leaked_global = "old"
  rawset(_G, 1, "old")
  _G[true] = "old"
  local globals_meta = getmetatable(_G)
  local mode = (round or 0) % 3
  if type(globals_meta) == "table" and mode ~= 2 then
    globals_meta.leaked = "old"
    globals_meta.__newindex = function() end
  end
  if type(globals_meta) == "table" and mode == 2 then
    setmetatable(globals_meta, { leaked = "old" })
  end
  if mode == 0 then
    setmetatable(_G, { __index = function() return "old" end })
  end
  string.leaked = "old"
  string.upper = function() return "old" end
  getmetatable("").__index = function() return "old" end
  getmetatable("").__add = function() return "old" end
  getmetatable("").__unm = nil
  table.leaked, math.leaked, os.leaked, coroutine.leaked = 1, 1, 1, 1
  json.leaked = "old"
  process.leaked, channel.leaked = 1, 1
  process.event.EXIT, process.event.leaked = "old", 1
  process.registry.lookup, process.registry.leaked = tostring, 1
  print = tostring
  math.randomseed(42)
  return true
end

return { main = main }

-- Runs one check of `string` as the process's very first use of the library (see
-- sandbox/string_library_is_plain_table.lua) and returns true or a reason.
local time = require("time")

local NAMES = {
  "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match",
  "pack", "packsize", "rep", "reverse", "sub", "unpack", "upper",
}

local function count_pairs(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n
end

local function has_all(t)
  for _, name in ipairs(NAMES) do
    if type(rawget(t, name)) ~= "function" then return false end
  end
  return true
end

local CASES = {
  -- Leaves the view untouched (the worker before each case).
  plain_use = function()
    return string.upper("a") == "A" and ("b"):upper() == "B"
  end,
  next = function()
    local k, v = next(string)
    return type(k) == "string" and type(v) == "function"
  end,
  rawget = function()
    return type(rawget(string, "upper")) == "function" and has_all(string)
  end,
  getmetatable = function()
    return getmetatable(string) == nil and string.upper("a") == "A"
  end,
  pairs = function()
    local n = 0
    for k, v in pairs(string) do
      if type(k) ~= "string" or type(v) ~= "function" then return false end
      n = n + 1
    end
    return n == #NAMES and string.dump == nil
  end,
  assign_nil = function()
    string.upper = nil
    return string.upper == nil and ("x").upper == nil and string.lower("A") == "a"
  end,
  rawset_nil = function()
    rawset(string, "upper", nil)
    return string.upper == nil and ("x").upper == nil and count_pairs(string) == #NAMES - 1
  end,
  setmetatable = function()
    setmetatable(string, { __index = function() return "meta" end })
    return string.upper("a") == "A" and string.absent == "meta" and has_all(string)
  end,
  add_method = function()
    string.shout = function(s) return s:upper() .. "!" end
    return ("hi"):shout() == "HI!" and count_pairs(string) == #NAMES + 1
  end,
  method_then_next = function()
    if ("x"):upper() ~= "X" then return false end
    return next(string) ~= nil and count_pairs(string) == #NAMES
  end,
  -- Changes what the strings' metatable reads: the worker after it must not see that.
  change_strings_index = function()
    getmetatable("").__index = { upper = function() return "changed" end }
    return ("x"):upper() == "changed" and string.upper("x") == "X"
  end,
  strings_index = function()
    local lib = getmetatable("").__index
    return lib == string and rawget(lib, "upper") == string.upper and getmetatable(lib) == nil
  end,
  -- A process drops what its VM keeps when it first waits: a view made before still
  -- copies itself in, and strings' lazy metatable still opens the library.
  view_then_wait = function()
    if string.upper("a") ~= "A" then return false end
    time.sleep("1ms")
    return next(string) ~= nil and count_pairs(string) == #NAMES
  end,
  wait_then_strings_index = function()
    time.sleep("1ms")
    local lib = getmetatable("").__index
    return lib == string and has_all(lib) and ("x"):upper() == "X"
  end,
  table_insert = function()
    table.insert(string, "x")
    return string[1] == "x" and #string == 1 and has_all(string)
  end,
}

local function main(case)
  local check = CASES[case]
  if not check then return "no case " .. tostring(case) end
  local ok, result = pcall(check)
  if not ok then return case .. " raised: " .. tostring(result) end
  return result or (case .. " failed")
end

return { main = main }

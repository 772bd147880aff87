-- One case of `sandbox/globals_table_is_plain_table.lua`, as the first thing the worker
-- does with `_G`; returns true, or false and what differed.
local function check_plain()
  if getmetatable(_G) ~= nil then return false, "getmetatable(_G) is not nil" end
  for _, name in ipairs({ "coroutine", "string", "table", "math", "os", "process", "channel",
                          "errors", "payload", "pairs", "print", "json", "time", "wait" }) do
    if rawget(_G, name) == nil then return false, "rawget(_G, " .. name .. ") is nil" end
  end
  local seen = {}
  for k in pairs(_G) do seen[k] = true end
  for _, name in ipairs({ "coroutine", "tostring", "process", "json", "wait" }) do
    if not seen[name] then return false, "pairs(_G) does not list " .. name end
  end
  return true
end

local CASES = {
  strict = function()
    setmetatable(_G, {
      __index = function(_, k) error("undefined global " .. tostring(k), 2) end,
      __newindex = function(_, k) error("assignment to undeclared global " .. tostring(k), 2) end,
    })
    if type(coroutine.yield) ~= "function" or string.format("%d", 7) ~= "7"
        or math.floor(2.5) ~= 2 or type(process.pid()) ~= "string" or json.encode({ 1 }) ~= "[1]" then
      return false, "a global reads wrong under strict mode"
    end
    local ok, err = pcall(function() return no_such_global end)
    if ok or not tostring(err):find("undefined global no_such_global", 1, true) then
      return false, "an undefined global did not raise: " .. tostring(err)
    end
    ok, err = pcall(function() new_global = 1 end)
    if ok or not tostring(err):find("undeclared global new_global", 1, true) then
      return false, "an undeclared assignment did not raise: " .. tostring(err)
    end
    if require("coroutine") ~= coroutine then return false, "require differs from the global" end
    setmetatable(_G, nil)
    return check_plain()
  end,
  getmetatable = function() return check_plain() end,
  rawget = function()
    if type(rawget(_G, "table")) ~= "table" then return false, "rawget(_G, 'table') is not the library" end
    return check_plain()
  end,
  next = function()
    local seen = {}
    local k = next(_G)
    while k ~= nil do seen[k] = true; k = next(_G, k) end
    if not (seen.coroutine and seen.json and seen.select) then return false, "next(_G) missed a global" end
    return check_plain()
  end,
  pairs = function() return check_plain() end,
}

local function main(case)
  return CASES[case]()
end

return { main = main }

-- A number where a string argument is expected is taken as its text, as Lua's own
-- luaL_checkstring and the original's CheckString take it: time layouts and values,
-- a spawner's name and message topic, a logger's name, a payload's format.
local time = require("time")
local logger = require("logger")

local function main()
  local t, err = time.parse("2006", 2024)
  if t == nil then
    return false, "time.parse with a number value: " .. tostring(err)
  end
  if t:year() ~= 2024 then
    return false, "parsed year " .. tostring(t:year())
  end
  if t:format(2006) ~= "2024" then
    return false, "format with a number layout gave " .. tostring(t:format(2006))
  end
  local ok, e = pcall(function()
    return process.with_options({}):with_name(5):with_message(7, "x")
  end)
  if not ok then
    return false, "spawner with number name/topic: " .. tostring(e)
  end
  ok, e = pcall(logger.named, logger, 42)
  if not ok then
    return false, "logger:named(42): " .. tostring(e)
  end
  -- Anything else still raises.
  if pcall(t.format, t, {}) then
    return false, "format with a table layout did not raise"
  end
  return true
end

return { main = main }

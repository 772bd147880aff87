-- A wrong argument to a method of a Time, a Duration or a Location, or to a spawner's
-- or an executor's with_context/with_options, raises an error that names the method,
-- as Lua's own argument errors do ("bad argument #2 to 'sub' (...)").
local time = require("time")
local funcs = require("funcs")

local function raises(f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "the call must raise")
  return tostring(err)
end

local function has(text, part)
  assert(text:find(part, 1, true), string.format("%q lacks %q", text, part))
end

local function main()
  local t = time.now()
  has(raises(function() return t:sub({}) end), "bad argument #2 to 'sub' (time expected, got table)")
  has(raises(function() return t:after(5) end), "bad argument #2 to 'after' (time expected, got number)")
  has(raises(function() return t.year() end), "bad argument #1 to 'year' (time expected, got no value; call it as t:year())")
  has(raises(function() return t.unix("x") end), "bad argument #1 to 'unix' (time expected, got string; call it as t:unix())")
  has(raises(function() return t.round(nil, time.SECOND) end), "bad argument #1 to 'round'")

  local d = time.parse_duration("1s")
  has(raises(function() return d.seconds(5) end), "bad argument #1 to 'seconds' (duration expected; call it as d:seconds())")
  has(raises(function() return d.hours() end), "bad argument #1 to 'hours'")

  has(raises(function() return t:location().string(1) end), "bad argument #1 to 'string' (location expected")

  local executor = funcs.new()
  has(raises(function() return executor:with_context(1) end), "bad argument #2 to 'with_context' (context table expected, got number)")
  has(raises(function() return executor:with_options("x") end), "bad argument #2 to 'with_options' (options table expected, got string)")
  local spawner = process.with_context({})
  has(raises(function() return spawner:with_options(true) end), "bad argument #2 to 'with_options' (options table expected, got boolean)")
  has(raises(function() return process.with_context(7) end), "bad argument #1 to 'with_context' (context table expected, got number)")
  return true
end

return { main = main }

-- Preemption (a long-running step is paused and resumed later) is invisible to the
-- program: a CPU-bound loop of ~300 ms (many 2 ms time slices) that forwards varargs
-- (`f(...)`, to Lua and to C functions) and calls wrapped built-ins (channel.select
-- goes through a Lua wrapper doing `f(...)`) always sees the right arguments and results.
local time = require("time")

local function id(...)
  return ...
end

local function forward(...)
  return id(...)
end

local function count(...)
  return select("#", ...) -- a C function called with the caller's varargs
end

local function main()
  local ch = channel.new(1)
  local start = time.now()
  local rounds = 0
  while true do
    for _ = 1, 2000 do
      rounds = rounds + 1
      local a, b, c = forward(1, "two", rounds)
      if a ~= 1 or b ~= "two" or c ~= rounds then
        return false, "round " .. rounds .. ": forward returned " .. tostring(a) .. ", " .. tostring(b) .. ", " .. tostring(c)
      end
      local n = select("#", forward(nil, nil, nil))
      if n ~= 3 then
        return false, "round " .. rounds .. ": forwarded " .. n .. " values instead of 3"
      end
      local cok, c = pcall(count, 1, 2, 3)
      if not cok or c ~= 3 then
        return false, "round " .. rounds .. ": count(1, 2, 3) gave " .. tostring(c)
      end
      local ok, r = pcall(channel.select, { ch:case_receive() }, true)
      if not ok then
        return false, "round " .. rounds .. ": channel.select raised: " .. tostring(r)
      end
      if r.default ~= true then
        return false, "round " .. rounds .. ": select did not take the default"
      end
    end
    if time.now():sub(start):milliseconds() > 300 then
      break
    end
  end
  return true
end

return { main = main }

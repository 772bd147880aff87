-- Coroutines blocked receiving on one channel get its values in the order they blocked,
-- whether they wait in a plain receive or a select, and whichever of them came first.
local yield_a_few = require("wait").yield_a_few

-- Starts one receiver per kind in `kinds` on `ch` (in that order), sends 1..n, and
-- returns the order in which the receivers got them as a string like "a1 b2 c3".
local function run(kinds)
  local ch = channel.new()
  local other = channel.new()
  local got = {}
  for i, kind in ipairs(kinds) do
    local name = string.char(96 + i)
    coroutine.spawn(function()
      local v
      if kind == "receive" then
        v = ch:receive()
      else
        v = channel.select({ other:case_receive(), ch:case_receive() }).value
      end
      got[#got + 1] = name .. tostring(v)
    end)
    yield_a_few() -- it blocks before the next one starts
  end
  for v = 1, #kinds do
    ch:send(v)
  end
  yield_a_few()
  return table.concat(got, " ")
end

local function main()
  local cases = {
    { kinds = { "receive", "receive", "receive" }, want = "a1 b2 c3" },
    { kinds = { "select", "receive", "receive" }, want = "a1 b2 c3" },
    { kinds = { "receive", "select", "receive" }, want = "a1 b2 c3" },
    { kinds = { "select", "select", "receive" }, want = "a1 b2 c3" },
  }
  for _, case in ipairs(cases) do
    local order = run(case.kinds)
    if order ~= case.want then
      return false, table.concat(case.kinds, ",") .. ": got " .. order .. ", want " .. case.want
    end
  end
  -- A receiver woken by close, then a new receiver on another channel.
  local ch = channel.new()
  local result
  coroutine.spawn(function()
    local v, ok = ch:receive()
    result = tostring(v) .. "," .. tostring(ok)
  end)
  yield_a_few()
  ch:close()
  yield_a_few()
  if result ~= "nil,false" then
    return false, "receiver woken by close got " .. tostring(result)
  end
  local again = channel.new(1)
  coroutine.spawn(function() again:send("x") end)
  local v, ok = again:receive()
  if v ~= "x" or ok ~= true then
    return false, "receive after close: " .. tostring(v) .. "," .. tostring(ok)
  end
  return true
end

return { main = main }

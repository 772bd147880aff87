-- Misuse of the channel API: channel.new takes sizes as the original does (a negative
-- size is 0, a fraction is truncated, NaN, the infinities and floats from 2^63 up are unbuffered) and
-- refuses what is no number; select skips values that are no case, as the original,
-- and raises a clear error when no case is left and there is no default (where the
-- original would wait for ever); its default is only `true`.
local function main()
  local unbuffered = channel.new(-1)
  local r = channel.select { unbuffered:case_send(1), default = true }
  if not r.default then
    return false, "channel.new(-1) made a buffered channel"
  end
  local one = channel.new(1.5)
  one:send("a")
  r = channel.select { one:case_send("b"), default = true }
  if not r.default then
    return false, "channel.new(1.5) holds more than 1"
  end
  local ok, err = pcall(channel.new, "big")
  if ok or not tostring(err):find("number expected", 1, true) then
    return false, "channel.new('big'): " .. tostring(err)
  end
  -- Floats past the integers too (the original's int() of them is the least integer).
  for _, odd in ipairs({ 0 / 0, math.huge, -math.huge, 2 ^ 63, 1e300 }) do
    local ch = channel.new(odd)
    r = channel.select { ch:case_send(1), default = true }
    if not r.default then
      return false, "channel.new(" .. tostring(odd) .. ") made a buffered channel"
    end
  end
  -- The largest integer is a (growing) buffer.
  local big = channel.new(math.maxinteger)
  r = channel.select { big:case_send(1), default = true }
  if r.default then
    return false, "channel.new(math.maxinteger) made an unbuffered channel"
  end
  ok, err = pcall(channel.select, { "not a case", 5, {}, unbuffered })
  if ok or not tostring(err):find("no case", 1, true) then
    return false, "select with only values that are no case: " .. tostring(err)
  end
  -- Such values beside a real case are skipped.
  one = channel.new(1)
  one:send("v")
  r = channel.select { 7, unbuffered, one:case_receive(), "x" }
  if r.channel ~= one or r.value ~= "v" then
    return false, "a real case among values that are no case was not taken"
  end
  -- Only `true` is a default: another value in the table is ignored, and as the second
  -- argument it raises.
  one:send("w")
  r = channel.select { one:case_receive(), default = "yes" }
  if r.default or r.value ~= "w" then
    return false, "default = 'yes' counted as a default"
  end
  ok, err = pcall(channel.select, { one:case_receive() }, "x")
  if ok or not tostring(err):find("boolean expected", 1, true) then
    return false, "select(cases, 'x'): " .. tostring(err)
  end
  r = channel.select({ one:case_receive() }, true)
  if not r.default then
    return false, "select(cases, true) is no default"
  end
  ok, err = pcall(channel.select, {})
  if ok then
    return false, "select with no cases and no default did not raise"
  end
  if type(tostring(err)) ~= "string" then
    return false, "no message"
  end
  return true
end

return { main = main }

-- Misuse of the channel API: channel.new takes sizes as the original does (a negative
-- size is 0, a fraction is truncated) and refuses what is no number, and NaN and the
-- infinities with a message that says what a size must be; select raises
-- clear errors for a value that is no case and for no cases without a default (where
-- the original would wait for ever).
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
  for _, bad in ipairs({ { 0 / 0, "NaN" }, { math.huge, "inf" }, { -math.huge, "-inf" } }) do
    ok, err = pcall(channel.new, bad[1])
    local wanted = "the size must be a whole number >= 0, got " .. bad[2] .. ")"
    if ok or not tostring(err):find(wanted, 1, true) then
      return false, "channel.new(" .. bad[2] .. "): " .. tostring(err)
    end
  end
  ok, err = pcall(channel.select, { "not a case" })
  if ok then
    return false, "select with a non-case did not raise"
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

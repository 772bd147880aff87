-- Misuse of the channel API raises clear errors.
local function main()
  local ok, err = pcall(channel.new, -1)
  if ok then
    return false, "channel.new(-1) did not raise"
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

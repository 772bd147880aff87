-- In a select, a send case on a closed channel is never ready (as in the original): the
-- default or another ready case is taken, or the select waits on its other cases; one
-- whose only cases are such sends raises "send on closed channel" (the original would
-- wait for ever).
local function main()
  local closed = channel.new(1)
  closed:close()
  local r = channel.select { closed:case_send(1), default = true }
  if not r.default then
    return false, "the closed send case was taken over the default"
  end
  local ready = channel.new(1)
  ready:send("x")
  r = channel.select { closed:case_send(1), ready:case_receive() }
  if r.channel ~= ready or r.value ~= "x" then
    return false, "the ready receive after a closed send case was not taken"
  end
  local later = channel.new()
  coroutine.spawn(function()
    coroutine.yield()
    later:send("late")
  end)
  r = channel.select { closed:case_send(1), later:case_receive() }
  if r.channel ~= later or r.value ~= "late" then
    return false, "the select did not wait on its other case: " .. tostring(r.value)
  end
  local ok, err = pcall(channel.select, { closed:case_send(1) })
  if ok or not tostring(err):find("send on closed channel", 1, true) then
    return false, "a waiting select on a closed send: " .. tostring(ok) .. " " .. tostring(err)
  end
  return true
end

return { main = main }

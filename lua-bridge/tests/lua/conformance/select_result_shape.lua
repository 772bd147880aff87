-- select's result for a ready case is {channel, value, ok = true} with no `default`
-- field, also when a default is offered (R tests/app/src/test/channel/select_default.lua,
-- select_basic.lua).
local function main()
  local a = channel.new(1)
  local b = channel.new(1)
  b:send("ready")
  local r = channel.select { a:case_receive(), b:case_receive(), default = true }
  if type(r) ~= "table" then
    return false, "result is a " .. type(r)
  end
  if r.channel ~= b or r.value ~= "ready" or r.ok ~= true then
    return false, "fields " .. tostring(r.channel == b) .. " " .. tostring(r.value) .. " " .. tostring(r.ok)
  end
  if r.default ~= nil then
    return false, "default field " .. tostring(r.default)
  end
  local s = channel.select { a:case_send("sent") }
  if s.channel ~= a or s.ok ~= true or s.default ~= nil then
    return false, "send case result"
  end
  if a:receive() ~= "sent" then
    return false, "value not sent"
  end
  return true
end

return { main = main }

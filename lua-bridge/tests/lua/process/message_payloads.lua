-- msg:payload(): nil with no payloads, a Payload with one, a Lua array of Payloads
-- with several (each with :data()). Plain values come back equal; tables come back as
-- fresh copies on every data() call, and the array is new on every payload() call.

local receive = require("wait").receive

local function main()
  local inbox = process.inbox()
  local me = process.pid()

  process.send(me, "none")
  local msg = receive(inbox)
  if msg:payload() ~= nil then
    return false, "no payloads: payload() = " .. tostring(msg:payload())
  end

  process.send(me, "one", { x = 1 })
  msg = receive(inbox)
  local p = msg:payload()
  if type(p) ~= "userdata" then
    return false, "one payload: payload() is a " .. type(p)
  end
  local data = p:data()
  if type(data) ~= "table" or data.x ~= 1 then
    return false, "one payload: wrong data"
  end

  local again = p:data()
  if again == data then
    return false, "one payload: data() gave the same table twice"
  end
  data.x = 99
  if msg:payload():data().x ~= 1 or again.x ~= 1 then
    return false, "one payload: a change to one copy shows in another"
  end

  for _, v in ipairs({ "text", 42, 2.5, true, false, math.maxinteger }) do
    process.send(me, "plain", v)
    msg = receive(inbox)
    local plain = msg:payload()
    if type(plain) ~= "userdata" or plain:get_format() ~= "lua/any" then
      return false, "plain " .. tostring(v) .. ": payload() is not a lua/any Payload"
    end
    local got = plain:data()
    if got ~= v or math.type(got) ~= math.type(v) then
      return false, "plain " .. tostring(v) .. ": data() = " .. tostring(got)
    end
    if msg:payload():data() ~= v then
      return false, "plain " .. tostring(v) .. ": second payload() differs"
    end
  end

  process.send(me, "many", "a", 2, { k = "v" })
  msg = receive(inbox)
  local list = msg:payload()
  if type(list) ~= "table" then
    return false, "several payloads: payload() is a " .. type(list)
  end
  if #list ~= 3 then
    return false, "several payloads: " .. #list .. " items"
  end
  if list[1]:data() ~= "a" or list[2]:data() ~= 2 or list[3]:data().k ~= "v" then
    return false, "several payloads: wrong data"
  end
  list[1] = nil
  local list2 = msg:payload()
  if list2 == list or #list2 ~= 3 or list2[1]:data() ~= "a" then
    return false, "several payloads: payload() gave the changed array again"
  end
  return true
end

return { main = main }

-- A select over a `listen` channel and the inbox takes mail in arrival order, also when
-- the listen channel's one-slot buffer has room for a later message while an older one
-- waits for the inbox: what arrives in one step while a coroutine waits in the select
-- comes out in the order it was sent (the later listen message used to be buffered and
-- taken first). Likewise an EXIT that waits is taken before a later listen message.
local time = require("time")

local function take(a, inbox, events)
  local r = channel.select { a:case_receive(), inbox:case_receive(), events:case_receive() }
  if r.channel == a then
    return r.value
  elseif r.channel == inbox then
    return r.value:payload():data()
  end
  return "EXIT"
end

local function main()
  local inbox, events = process.inbox(), process.events()
  local a = process.listen("a")
  local me = process.pid()

  for _, topics in ipairs({
    { "a", "b", "a" },
    { "a", "b", "a", "b", "a" },
    { "b", "a", "b", "a" },
    { "a", "a", "b", "a", "b", "b", "a" },
  }) do
    local got, done = {}, channel.new(1)
    coroutine.spawn(function()
      for _ = 1, #topics do
        got[#got + 1] = take(a, inbox, events)
      end
      done:send(true)
    end)
    -- The coroutine now waits in its select; these arrive together at the next step.
    for i, topic in ipairs(topics) do
      assert(process.send(me, topic, i))
    end
    done:receive()
    for i = 1, #topics do
      if got[i] ~= i then
        local seen = {}
        for j, v in ipairs(got) do seen[j] = tostring(v) end
        return false, table.concat(topics, ",") .. " came out as " .. table.concat(seen, ",")
      end
    end
  end

  -- An EXIT that waits for events() when a listen message arrives: the EXIT first.
  assert(process.spawn_monitored("test:normal_worker", "test:processes"))
  time.sleep("50ms")
  assert(process.send(me, "a", 1))
  time.sleep("20ms")
  local first, second = take(a, inbox, events), take(a, inbox, events)
  if first ~= "EXIT" or second ~= 1 then
    return false, "EXIT, listen message came out as " .. tostring(first) .. "," .. tostring(second)
  end
  return true
end

return { main = main }

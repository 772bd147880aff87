-- Echoes every inbox message back to its sender: topic "echo", the payload's data.
-- Topic "stop" ends the worker (returning "stopped").
local function main()
  local inbox = process.inbox()
  while true do
    local msg = inbox:receive()
    if msg:topic() == "stop" then
      return "stopped"
    end
    local p = msg:payload()
    local data = nil
    if p ~= nil then
      if type(p) == "table" then
        data = {}
        for i, item in ipairs(p) do data[i] = item:data() end
      else
        data = p:data()
      end
    end
    process.send(msg:from(), "echo", data)
  end
end

return { main = main }

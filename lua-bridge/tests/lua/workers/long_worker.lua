-- Runs until it gets a message on topic "stop" (other messages are ignored); then
-- returns "stopped".
local function main()
  local inbox = process.inbox()
  while true do
    local msg = inbox:receive()
    if msg:topic() == "stop" then
      return "stopped"
    end
  end
end

return { main = main }

-- Receives `n` inbox messages, then reports their topics, senders and data to `parent`
-- on topic "collected", and returns "collected".
local function main(parent, n)
  local inbox = process.inbox()
  local topics, froms, data = {}, {}, {}
  for i = 1, n do
    local msg = inbox:receive()
    topics[i] = msg:topic()
    froms[i] = msg:from()
    local p = msg:payload()
    data[i] = p and p:data() or false
  end
  process.send(parent, "collected", { topics = topics, froms = froms, data = data })
  return "collected"
end

return { main = main }

-- A value whose tables hold the same table many times (61 tables, each holding the
-- next twice: 2^60 paths) is sent, received, read and charged in time proportional to
-- its 61 tables: receiving it used to count its bytes path by path, for ever.
local wait = require("wait")

local function main()
  local t = { "leaf" }
  for _ = 1, 60 do t = { t, t } end
  local inbox = process.inbox()
  process.send(process.pid(), "dag", t)
  local msg = wait.receive(inbox, "5s")
  local v = msg:payload():data()
  for _ = 1, 60 do
    if type(v) ~= "table" or v[1] == nil or v[2] == nil then
      return false, "a level lost its tables"
    end
    v = v[2]
  end
  if v[1] ~= "leaf" then
    return false, "the leaf is " .. tostring(v[1])
  end
  return true
end

return { main = main }

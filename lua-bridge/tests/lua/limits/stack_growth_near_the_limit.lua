-- (Run with a 16 MiB per-process limit.) A process that holds received messages near
-- its limit and recurses deeply grows its Lua stack past the limit: the growth gets
-- Lua's memory error, which the process catches, or succeeds once a collection made
-- room; the node goes on. (The allocator used to read the stack while Lua was moving
-- it, and crashed the node with a segmentation fault.)
local MB = 1024 * 1024

local function main()
  local me = process.pid()
  local inbox = process.inbox()
  local kept = {}
  for i = 1, 12 do
    process.send(me, "big", { string.rep("r", MB) .. i })
    kept[i] = inbox:receive()
  end
  local function deeper(k)
    if k == 0 then return 0 end
    return 1 + deeper(k - 1)
  end
  local failed = 0
  for _, depth in ipairs({ 1000, 10000, 40000, 80000 }) do
    local ok, result = pcall(deeper, depth)
    if ok then
      assert(result == depth, "recursion result")
    else
      assert(tostring(result):find("not enough memory", 1, true), tostring(result))
      failed = failed + 1
    end
  end
  assert(failed > 0, "80 000 frames beside 12 MB of messages fit under a 16 MiB limit")
  assert(#kept == 12 and kept[12]:topic() == "big", "the kept messages are intact")
  -- Without the messages, the same depth fits.
  kept = nil
  local ok, result = pcall(deeper, 80000)
  assert(ok and result == 80000, "after dropping the messages: " .. tostring(result))
  return true
end

return { main = main }

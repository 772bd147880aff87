-- (Run with a 16 MiB per-process limit.) A Lua allocation (here a concatenation) that
-- does not fit beside the Rust bytes of received messages may pass the limit only until
-- a full collection has run at the next instruction (the charges might be garbage's); when they are live, the process gets Lua's
-- memory error all the same, which it can catch, and once it drops the messages the
-- memory can be had again.
local MB = 1024 * 1024

local function main()
  local piece = string.rep("s", MB)
  local me = process.pid()
  local inbox = process.inbox()
  local kept = {}
  for i = 1, 8 do
    process.send(me, "big", { string.rep("r", MB) .. i })
    kept[i] = inbox:receive()
  end
  -- The strings are the function's own: garbage once it fails.
  local ok, err = pcall(function()
    local strings = {}
    for i = 1, 10 do strings[i] = piece .. i end
  end)
  assert(not ok, "10 MB of strings beside 8 MB of kept messages fit under a 16 MiB limit")
  assert(tostring(err):find("not enough memory"), tostring(err))
  assert(#kept == 8 and kept[8]:topic() == "big", "the kept messages are intact")
  kept = nil
  local strings = {}
  local ok2, err2 = pcall(function()
    for i = 1, 10 do strings[i] = piece .. i end
  end)
  assert(ok2, "after dropping the messages, 10 MB of strings must fit: " .. tostring(err2))
  return true
end

return { main = main }

-- (Run with a 16 MiB per-process limit.) Messages a process received and dropped hold
-- their payloads' Rust bytes until the collector finalizes them. Lua's own emergency
-- collection, run when an allocation does not fit, calls no finalizers, so it cannot
-- release them: without more, a process that has just dropped 8 MB of messages could
-- not make an 8 MB string (one concatenation, an instruction of its own function)
-- under a 16 MiB limit, although it holds far less than that. The allocation must
-- succeed once the garbage is collected; live memory past the limit still fails.
local MB = 1024 * 1024

-- Receives `count` messages of `piece` (1 MB each) and keeps them until it returns.
local function receive_and_drop(piece, count)
  local me = process.pid()
  local inbox = process.inbox()
  local kept = {}
  for i = 1, count do
    process.send(me, "big", { piece })
    kept[i] = inbox:receive()
  end
  return #kept
end

local function main()
  local piece = string.rep("s", MB)
  for round = 1, 3 do
    local got_ok, got = pcall(receive_and_drop, piece, 8)
    if not got_ok then error("round " .. round .. ": receiving 8 MB failed: " .. tostring(got)) end
    local ok, big = pcall(function()
      return piece .. piece .. piece .. piece .. piece .. piece .. piece .. piece
    end)
    if not ok then
      error("round " .. round .. ": an 8 MB string after dropping 8 MB of messages failed: " .. tostring(big))
    end
    assert(#big == 8 * MB)
    big = nil
  end
  -- Live memory past the limit still fails, with Lua's memory error.
  local kept = {}
  local ok, err = pcall(function()
    for i = 1, 40 do kept[i] = piece .. i end
  end)
  assert(not ok, "40 MB of live strings fit under a 16 MiB limit")
  assert(tostring(err):find("not enough memory"), tostring(err))
  kept = nil
  return true
end

return { main = main }

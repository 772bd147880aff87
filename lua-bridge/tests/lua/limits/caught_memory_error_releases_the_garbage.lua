-- (Run with a 16 MiB per-process limit.) A memory error caught by pcall leaves what the
-- failed call made as garbage, including Rust memory charged to the process (here a
-- channel's buffer of strings), and the process goes on: its next allocations, in C
-- functions too, do not fail for that garbage. (The charge was released only by a
-- collection that runs finalizers, so the next allocation in a C function failed,
-- outside the pcall, and ended the process with "memory limit exceeded".)
local function main()
  local big = string.rep("z", 1000)
  local sent = 0
  local ok, err = pcall(function()
    local ch = channel.new(1e9)
    for i = 1, 1e6 do
      ch:send(big .. i)
      sent = i
    end
  end)
  assert(not ok and tostring(err):find("not enough memory", 1, true), tostring(err))
  assert(sent > 1000, "the channel took " .. sent .. " strings")
  -- Allocations in C functions right after the catch.
  local parts = {}
  for i = 1, 200 do parts[i] = string.rep("y", 10000) end
  local text = table.concat(parts)
  assert(#text == 2000000)
  local again = pcall(function()
    local ch = channel.new(1e9)
    for i = 1, 1000 do ch:send(big .. i) end
  end)
  assert(again, "a thousand strings fit again")
  return true
end

return { main = main }

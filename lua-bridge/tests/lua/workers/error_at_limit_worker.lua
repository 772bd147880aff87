-- Fills its memory to the limit (1 KB strings, then 30-byte ones, in chains of small
-- tables, so that no large block is left to free), keeps it all, then raises an error
-- whose message is made beforehand (level 0: no position to add), so that raising it
-- allocates nothing. Its EXIT must carry that error, with a traceback.
local function main()
  local message = "boom at the limit"
  local piece = string.rep("x", 1000)
  local chain = {}
  pcall(function()
    local i = 0
    while true do
      i = i + 1
      chain = { chain, piece .. i }
    end
  end)
  pcall(function()
    local i = 0
    while true do
      i = i + 1
      chain = { chain, "y" .. i }
    end
  end)
  error(message, 0)
end

return { main = main }

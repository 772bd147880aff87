-- Allocates until the memory limit stops it.
local function main()
  local t = {}
  local i = 0
  while true do
    i = i + 1
    t[i] = string.rep("x", 1024) .. i
  end
end

return { main = main }

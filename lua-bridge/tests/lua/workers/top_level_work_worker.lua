-- Works at its chunk's top level (a loop and a call), then main returns the result.
local sum = 0
for i = 1, 10 do
  sum = sum + i
end
local text = string.format("sum %d", sum)

return { main = function() return text end }

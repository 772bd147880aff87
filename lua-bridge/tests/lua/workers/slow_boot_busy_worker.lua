-- Its chunk's top level computes for ~30 ms before returning the exports; then main
-- loops forever without blocking (calling a function in the loop, which is enough for
-- preemption: see limits/fairness for a loop without calls).
local start = os.clock()
local x = 0
while os.clock() - start < 0.03 do
  x = x + 1
end

local function main()
  local n = 0
  while true do
    n = math.abs(n + 1)
  end
end

return { main = main }

-- Returns how many arguments `main` got, after checking they are 1..n in order.
local function main(...)
  local n = select("#", ...)
  for i = 1, n do
    if select(i, ...) ~= i then
      error("argument " .. i .. " is " .. tostring(select(i, ...)))
    end
  end
  return n
end

return { main = main }

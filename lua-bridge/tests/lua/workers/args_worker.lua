-- Sends its arguments back to `parent` on topic "args", as one table
-- {n = count, args = {...}}, then exits with the count.
local function main(parent, ...)
  local n = select("#", ...)
  process.send(parent, "args", { n = n, args = { ... } })
  return n
end

return { main = main }

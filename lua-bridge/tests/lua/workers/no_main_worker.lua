-- Exports no `main` (its entry says method: main).
local function run()
  return true
end

return { run = run }

-- The code test:upgrade_first_worker upgrades to: receives three messages, reports
-- them with its PID, its argument and the name's holder, and returns "second done".
local function main(parent, note)
  local inbox = process.inbox()
  local got = {}
  for i = 1, 3 do
    got[i] = inbox:receive():payload():data()
  end
  process.send(parent, "second", {
    pid = process.pid(),
    note = note,
    got = got,
    holder = process.registry.lookup("upgrading_worker"),
  })
  return "second done"
end

return { main = main }

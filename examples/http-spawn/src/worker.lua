-- Reconstructed from the description in wippy-reference.md §5 (see README.md).
local logger = require("logger")
local time = require("time")

type TaskConfig = {name: string, duration: integer}

local function main(task: TaskConfig): integer
    local pid = process.pid()
    logger:info("Worker started", {pid = pid, name = task.name, duration = task.duration})

    for step = 1, task.duration do
        time.sleep("1s")
        logger:info("Worker progress", {
            pid = pid,
            name = task.name,
            step = step,
            total = task.duration
        })
    end

    logger:info("Worker done", {pid = pid, name = task.name})
    return 0
end

return { main = main }

-- The http-spawn example's worker (reference section 5): started by the HTTP handler with a
-- task table, logs its progress once a second for `duration` seconds, then exits normally.
local logger = require("logger")
local time = require("time")

type TaskConfig = {name: string, duration: integer}

local function main(task: TaskConfig): integer
    local pid: string = process.pid()
    local duration: integer = task.duration or 3

    logger:info("Worker started", {pid = pid, name = task.name, duration = duration})

    for step = 1, duration do
        time.sleep("1s")
        logger:info("Worker progress", {
            pid = pid,
            name = task.name,
            step = step,
            total = duration,
        })
    end

    logger:info("Worker done", {pid = pid, name = task.name})
    return 0
end

return {main = main}

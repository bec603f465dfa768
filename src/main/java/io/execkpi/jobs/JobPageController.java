package io.execkpi.jobs;

import io.execkpi.web.DashboardPage;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Operator pages: {@code /jobs} lists executions (filter by job and status, newest first, paged) with a launch form;
 * {@code /jobs/executions/{id}} shows one execution with its steps, counts and progress, refreshing while it runs.
 * Actions (launch, restart, stop, abandon) are buttons that call the job control API from the browser with the bearer
 * token the operator typed, which the page keeps in the tab's session storage only; without it they are disabled.
 * The pages read through {@link JobReads}, the JSON API's read path.
 */
@Controller
@DashboardPage
public class JobPageController {

    private final JobReads api;

    public JobPageController(JobReads api) {
        this.api = api;
    }

    @GetMapping("/jobs")
    public String executions(@RequestParam(required = false) String job, @RequestParam(required = false) String status,
                             @RequestParam(defaultValue = "0") String page, Model model) {
        String j = job == null || job.isBlank() ? null : job;
        String s = status == null || status.isBlank() ? null : status;
        JobReads.Page executions = api.executions(j, s, page, "25");
        model.addAttribute("jobs", api.list());
        model.addAttribute("page", executions);
        model.addAttribute("job", j);
        model.addAttribute("statusFilter", s == null ? null : s.toUpperCase(java.util.Locale.ROOT));
        model.addAttribute("statuses", java.util.List.of(org.springframework.batch.core.BatchStatus.values()));
        return "jobs/list";
    }

    @GetMapping("/jobs/executions/{id}")
    public String execution(@PathVariable String id, Model model) {
        model.addAttribute("execution", api.execution(id));
        return "jobs/execution";
    }
}

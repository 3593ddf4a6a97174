package io.mvpn.api.workgroup;

/** Told of each change to workgroups or members, on the thread that made it. */
@FunctionalInterface
public interface WorkgroupListener {

  void changed(WorkgroupEvent event);
}

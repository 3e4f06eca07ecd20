package io.swmrfacade.cli;

import io.swmrfacade.broker.SecureBroker;
import java.time.Duration;

/** {@code sf broker start|stop|status --secure}. */
final class SecureBrokerAction {

    private SecureBrokerAction() {
    }

    static int run(SecureBroker broker, String action, Duration timeout) {
        switch (action) {
            case "start" -> {
                String bootstrap = broker.start(timeout);
                System.out.println(bootstrap);
                System.out.println("admin client config: " + broker.adminConfig()
                        + " (sf ... --config it; sf users add NAME --role ROLE --config it)");
                return 0;
            }
            case "stop" -> {
                broker.stop(timeout);
                System.out.println("stopped");
                return 0;
            }
            default -> {
                boolean running = broker.running();
                System.out.println(running ? "running at " + broker.bootstrap() + ", admin config " + broker.adminConfig()
                        : "not running");
                return running ? 0 : Main.TASKS_FAILED;
            }
        }
    }
}

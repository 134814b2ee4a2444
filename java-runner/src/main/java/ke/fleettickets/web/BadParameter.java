package ke.fleettickets.web;

/** A request parameter refused before any SQL sees it: 400, naming the parameter. */
final class BadParameter extends Exception {
    private final String parameter;

    BadParameter(String parameter, String message) {
        super(message, null, false, false);
        this.parameter = parameter;
    }

    String parameter() {
        return parameter;
    }
}

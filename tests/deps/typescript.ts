import ts from "npm:typescript@5.9.3";

export default ts;
